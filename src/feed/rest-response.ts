// Reading a REST answer: the used-weight header, Retry-After, an error body, a fetch error. Pure.

const DETAIL_MAX_CHARS = 200;

/** A used-weight header (`x-mbx-used-weight-1m: 1234`), or undefined when absent or not a number. */
export function parseUsedWeight(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, secondMs: number, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * secondMs;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `{"code":-1121,"msg":"Invalid symbol."}` → `-1121 Invalid symbol.`; other bodies are cut short. */
export function describeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'msg' in parsed && typeof parsed.msg === 'string') {
      const code = 'code' in parsed && typeof parsed.code === 'number' ? `${parsed.code} ` : '';
      return `${code}${parsed.msg}`.slice(0, DETAIL_MAX_CHARS);
    }
  } catch {
    // not JSON: the text itself
  }
  const text = body.replace(/\s+/g, ' ').trim();
  return text === '' ? '(empty body)' : text.slice(0, DETAIL_MAX_CHARS);
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is in `cause`.
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return `${error.message}: ${code === undefined ? cause.message : `${code} ${cause.message}`}`;
  }
  return error.message;
}
