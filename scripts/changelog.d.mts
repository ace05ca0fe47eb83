// Types of scripts/changelog.mjs, for the tests.
export interface Version {
  version: string
  major: number
  minor: number
  patch: number
  prerelease: string[]
}
export interface Section {
  name: string
  date: string | null
  heading: number
  end: number
  body: string
}
export function parseVersion(text: string): Version | null
export function compareVersions(a: string | Version, b: string | Version): number
export function sections(text: string): Section[]
export function notes(text: string, version: string): string
export function release(text: string, version: string, date: string): string
