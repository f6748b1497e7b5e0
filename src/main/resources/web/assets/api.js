// The API as the page calls it: the same origin as the page (no CORS), JSON in and out.
// Every call resolves to an Answer, whatever its status; it rejects with Unreachable only when
// no HTTP answer came at all.

const API_ROOT = new URL('api/v1/', document.baseURI);

export class Unreachable extends Error {
  constructor(cause) {
    super('The API could not be reached', { cause });
    this.name = 'Unreachable';
  }
}

export class Answer {
  /**
   * @param {number} status
   * @param {object|null} body the parsed JSON body, or null when there was none
   * @param {number|null} retryAfterSeconds from Retry-After, when the answer had one
   */
  constructor(status, body, retryAfterSeconds) {
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get ok() {
    return this.status === 200 && this.body !== null && this.body.success !== false;
  }

  /** Rocket.Chat's error code: errorType on the REST endpoints, error in the login envelope. */
  get errorCode() {
    if (this.body === null || typeof this.body !== 'object') {
      return null;
    }
    return this.body.errorType ?? this.body.error ?? null;
  }
}

const CHALLENGES = new Set(['totp-required', 'totp-invalid', 'totp-max-attempts']);

/** Whether the answer asks for a second factor (400 on the token endpoints, 401 at login). */
export function isChallenge(answer) {
  return (answer.status === 400 || answer.status === 401)
    && CHALLENGES.has(answer.errorCode)
    && typeof answer.body?.details?.method === 'string';
}

function retryAfter(header) {
  if (header === null) {
    return null;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim());
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function call(method, endpoint, { session = null, body, secondFactor = null } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (session !== null) {
    headers['X-User-Id'] = session.userId;
    headers['X-Auth-Token'] = session.authToken;
  }
  if (secondFactor !== null) {
    headers['x-2fa-code'] = secondFactor.code;
    headers['x-2fa-method'] = secondFactor.method;
  }
  let response;
  try {
    response = await fetch(new URL(endpoint, API_ROOT), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (networkFailure) {
    throw new Unreachable(networkFailure);
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    // A gateway's HTML or an empty body: the status alone says what happened.
  }
  return new Answer(response.status, parsed, retryAfter(response.headers.get('Retry-After')));
}

/** Hex SHA-256 of the text, as Rocket.Chat's clients send a password. Needs a secure context (https or localhost). */
export async function sha256Hex(text) {
  if (!globalThis.crypto?.subtle) {
    throw new Error('Web Crypto is not available: open this page over https (or on localhost).');
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}

/** The password leaves the browser only as its digest. */
export function login(user, passwordDigest, code = null) {
  const body = { user, password: { digest: passwordDigest, algorithm: 'sha-256' } };
  if (code !== null) {
    body.code = code;
  }
  return call('POST', 'login', { body });
}

export function sendEmailCode(emailOrUsername) {
  return call('POST', 'users.2fa.sendEmailCode', { body: { emailOrUsername } });
}

export function logout(session) {
  return call('POST', 'logout', { session });
}

export function listTokens(session) {
  return call('GET', 'users.getPersonalAccessTokens', { session });
}

/** @param {{tokenName: string, bypassTwoFactor: boolean, expiresInDays?: number}} token */
export function generateToken(session, token, secondFactor) {
  return call('POST', 'users.generatePersonalAccessToken', { session, body: token, secondFactor });
}

export function regenerateToken(session, tokenName, secondFactor) {
  return call('POST', 'users.regeneratePersonalAccessToken', { session, body: { tokenName }, secondFactor });
}

export function removeToken(session, tokenName, secondFactor) {
  return call('POST', 'users.removePersonalAccessToken', { session, body: { tokenName }, secondFactor });
}
