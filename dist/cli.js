#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 969:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  gJ: () => (/* binding */ errorMessage)
});

// UNUSED EXPORTS: createClients, errorCode

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/aws/calls.ts
/**
 * Every AWS call the tool makes passes through one middleware that counts it per operation
 * (`stats.awsCalls`) and, when asked, records it: tests assert on recorded requests where the
 * emulator is lax, and the role-policy check replays recorded calls against the shipped roles.
 */

/** Fields that may carry secrets; they never reach a recording. */
const SECRET_FIELDS = new Set(['Password', 'NewPassword', 'OldPassword', 'WebIdentityToken', 'SecretAccessKey']);
function redact(input) {
    if (!input || typeof input !== 'object')
        return {};
    const out = {};
    for (const [k, v] of Object.entries(input)) {
        out[k] = SECRET_FIELDS.has(k) ? '***' : v;
    }
    return out;
}
class calls_CallLog {
    file;
    counts = {};
    calls = [];
    /** When set, every call is appended to this file as one JSON line (used by end-to-end tests). */
    constructor(file = process.env.IAM_GITOPS_CALL_LOG) {
        this.file = file;
    }
    record(service, operation, input) {
        const key = `${service}:${operation}`;
        this.counts[key] = (this.counts[key] ?? 0) + 1;
        const call = { service, operation, input: redact(input) };
        this.calls.push(call);
        if (this.file)
            appendFileSync(this.file, JSON.stringify(call) + '\n');
    }
    /** Counts sorted by key, for stable output. */
    snapshot() {
        return Object.fromEntries(Object.entries(this.counts).sort(([a], [b]) => a.localeCompare(b)));
    }
    total() {
        return Object.values(this.counts).reduce((a, b) => a + b, 0);
    }
    /** Calls whose operation is not a read (Get/List/Describe/Head/Test/…). */
    writes() {
        return this.calls.filter((c) => !isReadOperation(c.operation));
    }
}
const READ_PREFIXES = (/* unused pure expression or super */ null && (['Get', 'List', 'Describe', 'Head', 'Test', 'Generate', 'Lookup', 'Simulate']));
function isReadOperation(operation) {
    return READ_PREFIXES.some((p) => operation.startsWith(p)) || operation === 'AssumeRoleWithWebIdentity';
}

;// CONCATENATED MODULE: ./src/aws/clients.ts
/**
 * One factory for every AWS client. All clients share a CallLog, the SDK's adaptive retry, and
 * honour AWS_ENDPOINT_URL (how tests point them at the emulator).
 */









function createClients(opts) {
    const calls = opts.calls ?? new CallLog();
    const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL ?? undefined;
    const maxAttempts = opts.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 8);
    const base = {
        region: opts.region,
        credentials: opts.credentials,
        endpoint,
        maxAttempts,
        retryMode: 'adaptive',
    };
    const wire = (client, service) => {
        client.middlewareStack.add(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (next, context) => async (args) => {
            const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
            calls.record(service, operation, args.input);
            return next(args);
        }, { step: 'initialize', name: 'iamGitopsCallLog' });
        for (const plugin of opts.plugins ?? [])
            plugin(client, service);
        return client;
    };
    return {
        iam: wire(new IAMClient(base), 'iam'),
        s3: wire(new S3Client({ ...base, forcePathStyle: Boolean(endpoint) }), 's3'),
        ses: wire(new SESClient({ ...base, region: opts.sesRegion ?? opts.region }), 'ses'),
        cloudtrail: wire(new CloudTrailClient(base), 'cloudtrail'),
        logs: wire(new CloudWatchLogsClient(base), 'logs'),
        cloudwatch: wire(new CloudWatchClient(base), 'cloudwatch'),
        sns: wire(new SNSClient(base), 'sns'),
        sts: wire(new STSClient(base), 'sts'),
        region: opts.region,
        calls,
    };
}
/** The message of any thrown value, for wrapping with context. */
function errorMessage(err) {
    if (err instanceof Error) {
        const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
        return `${name}${err.message}`;
    }
    return String(err);
}
/** The AWS error code of a thrown SDK error (`NoSuchEntity`, `EntityAlreadyExists`, …). */
function errorCode(err) {
    if (err && typeof err === 'object') {
        const e = err;
        return e.Code ?? e.code ?? e.name;
    }
    return undefined;
}


/***/ }),

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _commands_args_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(309);
/* harmony import */ var _aws_clients_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(969);
/* harmony import */ var _commands_validate_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(10);
/* harmony import */ var _commands_lint_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(653);
/* harmony import */ var _commands_plan_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(483);
/* harmony import */ var _commands_apply_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(314);
/* harmony import */ var _commands_drift_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(53);
/**
 * The command line (SPEC §4): `iam-gitops <validate|lint|plan|apply|drift> [options]`.
 * Each command lives in src/commands/<name>.ts and returns its exit code.
 */


// Static imports: ncc would split dynamic imports into extra chunk files next to the bundle.





const USAGE = `usage: iam-gitops <command> [options]

commands:
  validate                       parse and check every file            (exit 0 valid, 1 invalid)
  lint [--format text|json|sarif] [--base <git-ref>]
                                 least-privilege lint                  (exit 0, or 1 at lint.failOn)
  plan [--offline] [--format text|markdown|json]
                                 plan against the live account         (exit 0 none, 2 changes, 1 error)
  apply [--plan-hash <h>]        apply the plan                        (exit 0 applied, 1 error/refused)
  drift                          plan of the files against live AWS    (exit 0 none, 2 drift, 1 error)

options for every command:
  --dir <path>     repository root (default .)
  --debug          print stack traces
`;
async function main(argv) {
    const args = (0,_commands_args_js__WEBPACK_IMPORTED_MODULE_1__/* .parseArgs */ .Z)(argv);
    if (args.help || !args.command) {
        process.stdout.write(USAGE);
        return args.command ? 0 : args.help ? 0 : 1;
    }
    switch (args.command) {
        case 'validate':
            return (0,_commands_validate_js__WEBPACK_IMPORTED_MODULE_2__/* .validateCommand */ .M)(args);
        case 'lint':
            return (0,_commands_lint_js__WEBPACK_IMPORTED_MODULE_3__/* .lintCommand */ .D)(args);
        case 'plan':
            return (0,_commands_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .planCommand */ .V)(args);
        case 'apply':
            return (0,_commands_apply_js__WEBPACK_IMPORTED_MODULE_5__/* .applyCommand */ .s)(args);
        case 'drift':
            return (0,_commands_drift_js__WEBPACK_IMPORTED_MODULE_6__/* .driftCommand */ .P)(args);
        default:
            process.stderr.write(`error: unknown command '${args.command}'\n\n${USAGE}`);
            return 1;
    }
}
const debug = process.argv.includes('--debug');
try {
    process.exitCode = await main(process.argv.slice(2));
}
catch (err) {
    process.stderr.write(`error: ${(0,_aws_clients_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(err)}\n`);
    if (debug && err instanceof Error && err.stack)
        process.stderr.write(err.stack + '\n');
    process.exitCode = 1;
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 314:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ applyCommand)
/* harmony export */ });
async function applyCommand(_args) {
    process.stderr.write('error: apply is not implemented yet\n');
    return 1;
}


/***/ }),

/***/ 309:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ parseArgs)
/* harmony export */ });
/* unused harmony export UsageError */
class UsageError extends Error {
}
function parseArgs(argv) {
    const args = {
        command: undefined,
        dir: '.',
        debug: false,
        help: false,
        format: undefined,
        base: undefined,
        offline: false,
        planHash: undefined,
        rest: [],
    };
    const value = (i, flag) => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--'))
            throw new UsageError(`${flag} needs a value`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
        const take = () => (inline !== undefined ? inline : value(i++, flag));
        switch (flag) {
            case '--dir':
                args.dir = take();
                break;
            case '--format':
                args.format = take();
                break;
            case '--base':
                args.base = take();
                break;
            case '--plan-hash':
                args.planHash = take();
                break;
            case '--offline':
                args.offline = true;
                break;
            case '--debug':
                args.debug = true;
                break;
            case '-h':
            case '--help':
                args.help = true;
                break;
            default:
                if (!a.startsWith('-') && args.command === undefined)
                    args.command = a;
                else
                    args.rest.push(a);
        }
    }
    return args;
}


/***/ }),

/***/ 53:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ driftCommand)
/* harmony export */ });
async function driftCommand(_args) {
    process.stderr.write('error: drift is not implemented yet\n');
    return 1;
}


/***/ }),

/***/ 653:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ lintCommand)
/* harmony export */ });
async function lintCommand(_args) {
    process.stderr.write('error: lint is not implemented yet\n');
    return 1;
}


/***/ }),

/***/ 483:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ planCommand)
/* harmony export */ });
async function planCommand(_args) {
    process.stderr.write('error: plan is not implemented yet\n');
    return 1;
}


/***/ }),

/***/ 10:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ validateCommand)
/* harmony export */ });
async function validateCommand(_args) {
    process.stderr.write('error: validate is not implemented yet\n');
    return 1;
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
