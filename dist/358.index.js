export const id = 358;
export const ids = [358];
export const modules = {

/***/ 65358:
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
/* harmony import */ var _core_config_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(84489);




/** What `metadata.json` says about the run that measured the sample. */
function metadata(value, context, now = new Date()) {
    return {
        run_id: context.runId ?? 0,
        run_number: context.runNumber ?? 0,
        run_attempt: context.runAttempt,
        sha: context.sha,
        ref: context.ref,
        workflow: context.workflow,
        repository: context.repository,
        runner_os: context.runnerOs,
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
    const { context, env } = request;
    if (!context.runId || !env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
        throw new Error('the artifact service is only reachable inside a GitHub Actions job');
    }
    const name = (0,_core_config_js__WEBPACK_IMPORTED_MODULE_3__/* .artifactNameFor */ .FP)(request.artifactName, context.runId);
    const root = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(context.runnerTemp ?? (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'helm-rolling-record-'));
    try {
        const samplePath = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(root, request.file);
        const metadataPath = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(root, 'metadata.json');
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(samplePath), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(samplePath, `${request.value}\n`);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(metadataPath, `${JSON.stringify(metadata(request.value, context), null, 2)}\n`);
        const { DefaultArtifactClient } = await Promise.all(/* import() */[__webpack_require__.e(2), __webpack_require__.e(217)]).then(__webpack_require__.bind(__webpack_require__, 75217));
        const result = await new DefaultArtifactClient().uploadArtifact(name, [samplePath, metadataPath], root, { retentionDays: request.retentionDays });
        return { name, id: result.id, digest: result.digest };
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(root, { recursive: true, force: true });
    }
}


/***/ })

};
