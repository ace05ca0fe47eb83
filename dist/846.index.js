export const id = 846;
export const ids = [846];
export const modules = {

/***/ 94846:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   recordSample: () => (/* binding */ recordSample)
/* harmony export */ });
/* unused harmony export metadata */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);



/** What `metadata.json` says about the run that measured the sample. */
function metadata(value, env, now = new Date()) {
    return {
        run_id: Number(env.GITHUB_RUN_ID) || 0,
        run_number: Number(env.GITHUB_RUN_NUMBER) || 0,
        run_attempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        workflow: env.GITHUB_WORKFLOW ?? '',
        repository: env.GITHUB_REPOSITORY ?? '',
        runner_os: env.RUNNER_OS ?? '',
        unit: 'seconds',
        value,
        recorded_at: now.toISOString()
    };
}
/**
 * Uploads this run's sample as its artifact: `file` holding the number, and `metadata.json`.
 * The artifact client is imported here, on first use, so a check that does not record never
 * loads it (it is most of the bundle).
 */
async function recordSample(request) {
    const runId = request.env.GITHUB_RUN_ID;
    if (!runId || !request.env.ACTIONS_RUNTIME_TOKEN || !request.env.ACTIONS_RESULTS_URL) {
        throw new Error('the artifact service is only reachable inside a GitHub Actions job');
    }
    const name = request.artifactName.replaceAll('{run_id}', runId);
    const root = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(request.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'helm-rolling-record-'));
    try {
        const samplePath = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(root, request.file);
        const metadataPath = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(root, 'metadata.json');
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(samplePath), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(samplePath, `${request.value}\n`);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(metadataPath, `${JSON.stringify(metadata(request.value, request.env), null, 2)}\n`);
        const { DefaultArtifactClient } = await __webpack_require__.e(/* import() */ 252).then(__webpack_require__.bind(__webpack_require__, 91252));
        const result = await new DefaultArtifactClient().uploadArtifact(name, [samplePath, metadataPath], root, {
            retentionDays: request.retentionDays
        });
        return { name, id: result.id, digest: result.digest };
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(root, { recursive: true, force: true });
    }
}


/***/ })

};
