// Tests render Mermaid in Debian's Chromium; puppeteer must not download a browser of its own.
module.exports = { skipDownload: true }
