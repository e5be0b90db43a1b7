/**
 * The binding to libpg-query's WebAssembly: PostgreSQL 18's parser, scanner and PL/pgSQL parser,
 * from the same module and the same exported C functions as the package's own `parseSync`,
 * `scanSync` and `parsePlPgSQLSync`, with the same results and errors (test/engine/pg.test.ts).
 *
 * Why not the package's wrappers: they move text in and out of the WebAssembly memory one byte at a
 * time in JavaScript (emscripten's `stringToUTF8` and `UTF8ToString`, which also looks for the
 * terminating NUL byte by byte). A 5 MB schema and its parse tree, about 40 MB of JSON, cost about
 * 100 ms of that per parse; `TextEncoder.encodeInto`, `indexOf(0)` and `TextDecoder` do the same in
 * native code. The engine loads only this module, so the WebAssembly is instantiated once.
 */
// The emscripten loader: finds `libpg-query.wasm` in the folder of the script that runs it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createModule = require('libpg-query/wasm/libpg-query.js') as () => Promise<PgModule>;

interface PgModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  getValue(ptr: number, type: 'i32'): number;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  _wasm_scan(query: number): number;
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(ptr: number): void;
}

/** One token of PostgreSQL's scanner, as libpg-query's JSON gives it (byte offsets). */
export interface PgScanToken {
  start: number;
  end: number;
  text: string;
  tokenType: number;
  tokenName: string;
  keywordKind: number;
  keywordName: string;
}

export interface PgScanResult {
  version: number;
  tokens: PgScanToken[];
}

/** PostgreSQL's error for a statement it rejects; `cursorPosition` is 0-based, in code points. */
export class PgSqlError extends Error {
  constructor(
    message: string,
    readonly sqlDetails: {
      message: string;
      cursorPosition: number;
      fileName?: string;
      functionName?: string;
      lineNumber?: number;
    },
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

let module: PgModule | undefined;
let loading: Promise<void> | undefined;

/** Instantiates the WebAssembly once; every other function here needs it to have resolved. */
export function loadPg(): Promise<void> {
  loading ??= createModule().then((m) => {
    module = m;
  });
  return loading;
}

function pgModule(): PgModule {
  if (!module) throw new Error('The SQL parser is not loaded (call loadSqlParser() first).');
  return module;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Copies `text` into the module's memory as a NUL-terminated UTF-8 string; the caller frees it. */
function toMemory(m: PgModule, text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  const ptr = m._malloc(bytes + 1);
  if (!ptr) throw new Error('The SQL parser is out of memory');
  // Read HEAPU8 after malloc: a memory that grew has a new buffer.
  const { written } = encoder.encodeInto(text, m.HEAPU8.subarray(ptr, ptr + bytes));
  m.HEAPU8[ptr + written] = 0;
  return ptr;
}

/** The NUL-terminated UTF-8 string at `ptr`. */
function fromMemory(m: PgModule, ptr: number): string {
  const heap = m.HEAPU8;
  const end = heap.indexOf(0, ptr);
  return decoder.decode(heap.subarray(ptr, end < 0 ? heap.length : end));
}

/** PostgreSQL's raw parse tree of `query` (`{ version, stmts }`); throws `PgSqlError`. */
export function parseSync(query: string): {
  stmts?: { stmt: unknown; stmt_location?: number; stmt_len?: number }[];
} {
  if (query === '') throw new Error('Query cannot be empty');
  const m = pgModule();
  const queryPtr = toMemory(m, query);
  let resultPtr = 0;
  try {
    resultPtr = m._wasm_parse_query_raw(queryPtr);
    if (!resultPtr) throw new Error('Failed to parse query: memory allocation failed');
    const treePtr = m.getValue(resultPtr, 'i32');
    const errorPtr = m.getValue(resultPtr + 8, 'i32');
    if (errorPtr) {
      const messagePtr = m.getValue(errorPtr, 'i32');
      const funcnamePtr = m.getValue(errorPtr + 4, 'i32');
      const filenamePtr = m.getValue(errorPtr + 8, 'i32');
      const lineno = m.getValue(errorPtr + 12, 'i32');
      const cursorpos = m.getValue(errorPtr + 16, 'i32');
      const message = messagePtr ? fromMemory(m, messagePtr) : 'Unknown error';
      throw new PgSqlError(message, {
        message,
        cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
        ...(filenamePtr ? { fileName: fromMemory(m, filenamePtr) } : {}),
        ...(funcnamePtr ? { functionName: fromMemory(m, funcnamePtr) } : {}),
        ...(lineno > 0 ? { lineNumber: lineno } : {}),
      });
    }
    if (!treePtr) throw new Error('No parse tree generated');
    return JSON.parse(fromMemory(m, treePtr)) as ReturnType<typeof parseSync>;
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_parse_result(resultPtr);
  }
}

/** Calls a function of the module that answers with a string it allocated. */
function stringCall(fn: (m: PgModule, ptr: number) => number, query: string): string {
  const m = pgModule();
  const queryPtr = toMemory(m, query);
  let resultPtr = 0;
  try {
    resultPtr = fn(m, queryPtr);
    return fromMemory(m, resultPtr);
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_string(resultPtr);
  }
}

/** PostgreSQL's scanner's tokens of `query`; throws the scanner's error. */
export function scanSync(query: string): PgScanResult {
  const result = stringCall((m, p) => m._wasm_scan(p), query);
  if (result.startsWith('syntax error') || result.startsWith('deparse error') || result.startsWith('ERROR')) {
    throw new Error(result);
  }
  return JSON.parse(result) as PgScanResult;
}

/** The PL/pgSQL parse tree of a function body or DO block; throws the parser's message. */
export function parsePlPgSQLSync(query: string): unknown {
  const result = stringCall((m, p) => m._wasm_parse_plpgsql(p), query);
  if (!result.startsWith('{')) throw new Error(result);
  return JSON.parse(result);
}
