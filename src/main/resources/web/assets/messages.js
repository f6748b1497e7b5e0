// What the page says when the API refuses: a sentence for the person in front of it, never JSON.
// The codes are Rocket.Chat's (docs/compatibility.md); anything unknown still gets a sentence.

export const UNREACHABLE = 'The server could not be reached. Check your connection, then try again.';
export const SESSION_ENDED = 'Your session has ended. Sign in again.';
export const PAGE_FAILED = 'Something went wrong on this page. Reload it, then try again.';

function waitPhrase(seconds) {
  if (seconds === null || seconds === undefined) {
    return 'Wait a moment';
  }
  if (seconds <= 1) {
    return 'Wait a second';
  }
  if (seconds < 120) {
    return `Wait ${seconds} seconds`;
  }
  return `Wait ${Math.ceil(seconds / 60)} minutes`;
}

/** Answers any endpoint can give: throttling, an unavailable store or mail service, a broken gateway. */
export function generalFailure(answer) {
  switch (answer.status) {
    case 429:
      return `Too many requests. ${waitPhrase(answer.retryAfterSeconds)}, then try again.`;
    case 503:
      return 'The service is unavailable for a moment; nothing was changed. Try again shortly.';
    case 409:
      return 'Your tokens changed at the same moment somewhere else, so nothing was changed here. Try again.';
    case 413:
      return 'That request is too large.';
    case 403:
      return 'Your account may not use personal access tokens. Ask an administrator for the permission.';
    default:
      if (answer.status >= 500) {
        return `The server had a problem (HTTP ${answer.status}). Try again shortly.`;
      }
      return `The request failed (HTTP ${answer.status}). Try again, or reload the page.`;
  }
}

/** A refused sign-in or second-factor step at login (all 401 in Rocket.Chat's login envelope). */
export function loginFailure(answer) {
  if (answer.status !== 401) {
    return generalFailure(answer);
  }
  switch (answer.errorCode) {
    case 'totp-invalid':
      return 'That code is not right. Check it, then try again.';
    case 'totp-max-attempts':
      return answer.body?.details?.method === 'email'
        ? 'Too many wrong codes. Send a new code, then enter that one.'
        : 'Too many wrong codes. Wait a few minutes, then try again.';
    case 'error-user-is-not-activated':
      return 'This account is not activated. Ask an administrator to activate it.';
    case 'error-login-blocked-for-user':
      return 'Sign-in is blocked for a few minutes after too many failed attempts. Try again later.';
    case 'error-login-blocked-for-ip':
      return 'Sign-in from your network is blocked for a few minutes after too many failed attempts. Try again later.';
    default:
      return 'The username, email or password is not right.';
  }
}

/** A wrong or exhausted second factor, said for the method that was asked. */
export function secondFactorFailure(answer) {
  const method = answer.body?.details?.method;
  if (answer.errorCode === 'totp-invalid') {
    return method === 'password'
      ? 'That password is not right. Try again.'
      : 'That code is not right. Check it, then try again.';
  }
  if (answer.errorCode === 'totp-max-attempts') {
    return method === 'email'
      ? 'Too many wrong codes. Send a new code, then enter that one.'
      : 'Too many wrong attempts. Wait a few minutes, then try again.';
  }
  return '';
}

/** The wording of an invalid-params reason, which names the API's fields. */
function fieldWords(reason) {
  return reason
    .replace(/ \[invalid-params\]$/, '')
    .replaceAll("The 'tokenName' param", 'The token name')
    .replaceAll("The 'expiresInDays' param", 'The number of days')
    .replaceAll("The 'expiresAt' param", 'The expiry date')
    .replace(/\.?$/, '.');
}

/** A refused generate, regenerate or remove of the token named tokenName. */
export function tokenFailure(answer, tokenName) {
  if (answer.status !== 400) {
    return generalFailure(answer);
  }
  switch (answer.errorCode) {
    case 'error-token-already-exists':
      return `You already have a token named “${tokenName}”. Choose another name.`;
    case 'error-token-does-not-exists':
      return `There is no token named “${tokenName}” any more.`;
    case 'error-token-limit-reached':
      return 'You have as many tokens as an account may have. Remove one you no longer use first.';
    case 'not-authorized':
      return 'Your account may not manage personal access tokens. Ask an administrator for the permission.';
    case 'invalid-params':
      return fieldWords(String(answer.body.error ?? 'The request was not valid'));
    case 'totp-invalid':
    case 'totp-max-attempts':
      return secondFactorFailure(answer);
    default:
      if (answer.body?.error === "The 'tokenName' param is required") {
        return 'Give the token a name.';
      }
      return generalFailure(answer);
  }
}
