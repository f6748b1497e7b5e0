// The token page: sign in (with a second factor when the API asks for one), then list, add,
// regenerate and remove personal access tokens. The login token lives in sessionStorage: it
// survives a reload of this tab and nothing else (never localStorage, never a cookie).

import * as api from './api.js';
import * as messages from './messages.js';
import { ConfirmDialog, SecondFactorDialog, TokenDialog, isBusy, setBusy } from './dialogs.js';

const SESSION_KEY = 'rcpat.session';

const $ = id => document.getElementById(id);

const view = {
  loading: $('loading'),
  signIn: $('sign-in'),
  secondFactor: $('second-factor'),
  tokens: $('tokens'),
};
const status = $('status');
const alertBox = $('alert');
const account = $('account');

const signInForm = $('sign-in-form');
const signInUser = $('sign-in-user');
const signInPassword = $('sign-in-password');
const signInError = $('sign-in-error');

const secondFactorForm = $('second-factor-form');
const secondFactorHint = $('second-factor-hint');
const secondFactorCode = $('second-factor-code');
const secondFactorError = $('second-factor-error');
const secondFactorResend = $('second-factor-resend');

const addForm = $('add-form');
const addName = $('add-name');
const addBypass = $('add-bypass');
const addDays = $('add-days');
const addError = $('add-error');

const emptyState = $('empty-state');
const tableRegion = $('table-region');
const tokenRows = $('token-rows');
const listTitle = $('list-title');

/** {userId, authToken, username} while signed in. */
let session = readSession();
/** The sign-in waiting for its second factor: {user, passwordDigest}. Memory only. */
let pendingLogin = null;

/** A row's button redrawn while a dialog it opened was up: the same action on the same token, else the list. */
function findOpenerAgain(opener) {
  if (opener?.dataset?.action && view.tokens.hidden === false) {
    for (const button of tokenRows.querySelectorAll('button[data-action]')) {
      if (button.dataset.action === opener.dataset.action && button.dataset.token === opener.dataset.token) {
        return button;
      }
    }
  }
  return view.tokens.hidden ? null : listTitle;
}

const confirmDialog = new ConfirmDialog(findOpenerAgain);
const tokenDialog = new TokenDialog(findOpenerAgain);
const secondFactorDialog = new SecondFactorDialog(resendEmailCode, findOpenerAgain);

// ---- session -------------------------------------------------------------------------------

function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    return stored && typeof stored.userId === 'string' && typeof stored.authToken === 'string' ? stored : null;
  } catch {
    return null;
  }
}

function startSession(data) {
  session = { userId: data.userId, authToken: data.authToken, username: data.me?.username ?? '' };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function endSession() {
  session = null;
  pendingLogin = null;
  sessionStorage.removeItem(SESSION_KEY);
  for (const dialog of [secondFactorDialog, confirmDialog, tokenDialog]) {
    dialog.dismiss();
  }
  tokenRows.replaceChildren();
  addForm.reset();
}

/** A 401 on a signed-in call: the login token expired, was logged out elsewhere or removed. */
function sessionEnded() {
  endSession();
  showSignIn();
  showAlert(messages.SESSION_ENDED);
}

// ---- messages and views ----------------------------------------------------------------------

function announce(text) {
  alertBox.textContent = '';
  status.textContent = text;
}

function showAlert(text) {
  status.textContent = '';
  alertBox.textContent = text;
}

function clearMessages() {
  status.textContent = '';
  alertBox.textContent = '';
}

function show(current) {
  for (const section of Object.values(view)) {
    section.hidden = section !== current;
  }
  account.hidden = current !== view.tokens;
}

function fieldError(input, errorElement, text) {
  errorElement.textContent = text;
  if (text) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', errorElement.id);
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-errormessage');
  }
}

function showSignIn() {
  show(view.signIn);
  fieldError(signInUser, signInError, '');
  signInPassword.value = '';
  signInUser.focus();
}

// ---- sign in -------------------------------------------------------------------------------

signInForm.addEventListener('submit', async event => {
  event.preventDefault();
  if (isBusy(signInForm)) {
    return;
  }
  clearMessages();
  const user = signInUser.value.trim();
  const password = signInPassword.value;
  if (!user || !password) {
    fieldError(user ? signInPassword : signInUser, signInError, 'Enter your username or email and your password.');
    (user ? signInPassword : signInUser).focus();
    return;
  }
  fieldError(signInUser, signInError, '');
  setBusy(signInForm, true);
  try {
    const passwordDigest = await api.sha256Hex(password);
    const answer = await api.login(user, passwordDigest);
    signInPassword.value = '';
    if (answer.ok) {
      await signedIn(answer.body.data);
    } else if (api.isChallenge(answer)) {
      pendingLogin = { user, passwordDigest };
      showSecondFactorStep(answer.body.details);
    } else {
      fieldError(signInUser, signInError, messages.loginFailure(answer));
      signInPassword.focus();
    }
  } catch (failure) {
    fieldError(signInUser, signInError, failureText(failure));
  } finally {
    setBusy(signInForm, false);
  }
});

function showSecondFactorStep(details) {
  show(view.secondFactor);
  const email = details.method === 'email';
  secondFactorHint.textContent = email
    ? 'We emailed a code to your verified address. Enter it here.'
    : 'Enter the 6-digit code from your authenticator app, or one of your backup codes.';
  secondFactorResend.hidden = !email;
  secondFactorCode.value = '';
  fieldError(secondFactorCode, secondFactorError, '');
  secondFactorCode.focus();
}

secondFactorForm.addEventListener('submit', async event => {
  event.preventDefault();
  if (isBusy(secondFactorForm)) {
    return;
  }
  clearMessages();
  const code = secondFactorCode.value.trim();
  if (!code) {
    fieldError(secondFactorCode, secondFactorError, 'Enter the code.');
    secondFactorCode.focus();
    return;
  }
  setBusy(secondFactorForm, true);
  try {
    const answer = await api.login(pendingLogin.user, pendingLogin.passwordDigest, code);
    if (answer.ok) {
      await signedIn(answer.body.data);
    } else if (api.isChallenge(answer)) {
      fieldError(secondFactorCode, secondFactorError, messages.loginFailure(answer));
      secondFactorCode.value = '';
      secondFactorCode.focus();
    } else {
      // The password stopped being right (changed, or the user was blocked meanwhile): start over.
      pendingLogin = null;
      showSignIn();
      fieldError(signInUser, signInError, messages.loginFailure(answer));
    }
  } catch (failure) {
    fieldError(secondFactorCode, secondFactorError, failureText(failure));
  } finally {
    setBusy(secondFactorForm, false);
  }
});

secondFactorResend.addEventListener('click', async () => {
  if (isBusy(secondFactorForm)) {
    return;
  }
  clearMessages();
  setBusy(secondFactorForm, true);
  try {
    secondFactorHint.textContent = await resendEmailCode(pendingLogin.user);
    fieldError(secondFactorCode, secondFactorError, '');
  } finally {
    setBusy(secondFactorForm, false);
    secondFactorCode.focus();
  }
});

$('second-factor-back').addEventListener('click', () => {
  if (isBusy(secondFactorForm)) {
    return;
  }
  pendingLogin = null;
  clearMessages();
  showSignIn();
});

/** Mails a new code; resolves to the sentence to show (the API never says whether the user exists). */
async function resendEmailCode(emailOrUsername) {
  try {
    const answer = await api.sendEmailCode(emailOrUsername);
    return answer.ok
      ? 'We sent a new code to your verified address. Enter the newest one.'
      : messages.generalFailure(answer);
  } catch (failure) {
    return failureText(failure);
  }
}

async function signedIn(data) {
  startSession(data);
  pendingLogin = null;
  await showTokens();
  announce(`Signed in as ${session.username}.`);
}

// ---- sign out ------------------------------------------------------------------------------

$('sign-out').addEventListener('click', async () => {
  if (isBusy(account)) {
    return;
  }
  clearMessages();
  setBusy(account, true);
  try {
    const answer = await api.logout(session);
    if (answer.ok || answer.status === 401) {
      endSession();
      showSignIn();
      announce('You have signed out.');
    } else {
      // The login token is still valid on the server: keep it, so signing out can be tried again.
      showAlert(`You are still signed in. ${messages.generalFailure(answer)}`);
    }
  } catch (failure) {
    showAlert(`You are still signed in. ${failureText(failure)}`);
  } finally {
    setBusy(account, false);
  }
});

// ---- the list ------------------------------------------------------------------------------

async function showTokens() {
  show(view.tokens);
  $('account-name').textContent = session.username;
  await refreshList();
  $('tokens-title').focus();
}

/** Loads and draws the list; false when it could not be loaded (the reason is shown). */
async function refreshList() {
  let answer;
  try {
    answer = await api.listTokens(session);
  } catch (failure) {
    showAlert(failureText(failure));
    return false;
  }
  if (answer.status === 401) {
    sessionEnded();
    return false;
  }
  if (!answer.ok || !Array.isArray(answer.body.tokens)) {
    showAlert(messages.generalFailure(answer));
    return false;
  }
  drawRows(answer.body.tokens);
  return true;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function timeCell(iso, whenAbsent) {
  const cell = document.createElement('td');
  if (!iso) {
    cell.textContent = whenAbsent;
    return cell;
  }
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = dateFormat.format(new Date(iso));
  cell.append(time);
  return cell;
}

function expiryCell(iso) {
  const cell = timeCell(iso, 'Never');
  if (iso && Date.parse(iso) <= Date.now()) {
    const tag = document.createElement('span');
    tag.className = 'tag expired';
    tag.textContent = 'Expired';
    cell.prepend(tag, ' ');
  }
  return cell;
}

function rowButton(label, action, tokenName, handler) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = action === 'remove' ? 'small secondary' : 'small';
  button.dataset.action = action;
  button.dataset.token = tokenName;
  const name = document.createElement('span');
  name.className = 'visually-hidden';
  name.textContent = ` ${tokenName}`;
  button.append(label, name);
  button.addEventListener('click', () => handler(tokenName));
  return button;
}

function drawRows(tokens) {
  const rows = tokens.map(token => {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.className = 'name';
    name.textContent = token.name;
    const lastPart = document.createElement('td');
    const code = document.createElement('code');
    code.textContent = `…${token.lastTokenPart}`;
    lastPart.append(code);
    const bypass = document.createElement('td');
    bypass.textContent = token.bypassTwoFactor ? 'Yes' : 'No';
    const actions = document.createElement('td');
    const group = document.createElement('div');
    group.className = 'row-actions';
    group.append(rowButton('Regenerate', 'regenerate', token.name, regenerate),
      rowButton('Remove', 'remove', token.name, remove));
    actions.append(group);
    row.append(name, timeCell(token.createdAt, ''), timeCell(token.lastUsedAt, 'Never'), expiryCell(token.expiresAt),
      lastPart, bypass, actions);
    return row;
  });
  const hadFocus = tokenRows.contains(document.activeElement) ? document.activeElement : null;
  tokenRows.replaceChildren(...rows);
  emptyState.hidden = rows.length > 0;
  tableRegion.hidden = rows.length === 0;
  if (hadFocus) {
    findOpenerAgain(hadFocus)?.focus();
  }
}

// ---- changes, each behind a second factor when the API asks for one -----------------------

/**
 * Sends a change, answering each two-factor challenge through the dialog, as Rocket.Chat's
 * client does: the same request again with x-2fa-code and x-2fa-method.
 * @param {(secondFactor: {method: string, code: string}|null) => Promise<api.Answer>} send
 * @returns {Promise<api.Answer|null>} the final answer, or null when the person cancelled
 */
async function withSecondFactor(send) {
  let answer = await send(null);
  let problem = '';
  while (api.isChallenge(answer) && answer.status === 400) {
    const secondFactor = await secondFactorDialog.ask(answer.body, problem || messages.secondFactorFailure(answer));
    if (secondFactor === null) {
      return null;
    }
    try {
      answer = await send(secondFactor);
      problem = '';
    } catch (failure) {
      if (!(failure instanceof api.Unreachable)) {
        throw failure;
      }
      problem = messages.UNREACHABLE;
    }
  }
  secondFactorDialog.close();
  return answer;
}

/** What to do with a change's final answer that is not a success. */
function refused(answer, tokenName, showError) {
  if (answer.status === 401) {
    sessionEnded();
    return;
  }
  showError(messages.tokenFailure(answer, tokenName));
}

function failureText(failure) {
  if (failure instanceof api.Unreachable) {
    return messages.UNREACHABLE;
  }
  if (failure instanceof Error && failure.message.startsWith('Web Crypto')) {
    return failure.message;
  }
  throw failure;
}

addForm.addEventListener('submit', async event => {
  event.preventDefault();
  if (isBusy(addForm)) {
    return;
  }
  clearMessages();
  fieldError(addDays, addError, '');
  const tokenName = addName.value;
  if (tokenName.trim() === '') {
    fieldError(addName, addError, 'Give the token a name.');
    addName.focus();
    return;
  }
  fieldError(addName, addError, '');
  const token = { tokenName, bypassTwoFactor: addBypass.checked };
  if (addDays.value !== '' || addDays.validity.badInput) {
    const days = Number(addDays.value);
    if (!Number.isInteger(days) || days < 1) {
      fieldError(addDays, addError, 'Expires in days must be a whole number, 1 or more, or left empty.');
      addDays.focus();
      return;
    }
    token.expiresInDays = days;
  }
  setBusy(addForm, true);
  try {
    const answer = await withSecondFactor(secondFactor => api.generateToken(session, token, secondFactor));
    if (answer === null) {
      announce('No token was added.');
    } else if (answer.ok) {
      addForm.reset();
      tokenDialog.show(`Token “${tokenName}” added`, answer.body.token, session.userId);
      await refreshList();
    } else {
      refused(answer, tokenName, text => {
        fieldError(addName, addError, text);
        addName.focus();
      });
    }
  } catch (failure) {
    secondFactorDialog.close();
    fieldError(addName, addError, failureText(failure));
  } finally {
    setBusy(addForm, false);
  }
});

async function regenerate(tokenName) {
  clearMessages();
  const confirmed = await confirmDialog.ask(`Regenerate “${tokenName}”?`,
    'Its current value stops working at once. Whatever uses it needs the new value, shown next, only once.');
  if (!confirmed) {
    return;
  }
  try {
    const answer = await withSecondFactor(secondFactor => api.regenerateToken(session, tokenName, secondFactor));
    if (answer === null) {
      announce(`“${tokenName}” was not regenerated.`);
    } else if (answer.ok) {
      tokenDialog.show(`New value of “${tokenName}”`, answer.body.token, session.userId);
      await refreshList();
    } else {
      refused(answer, tokenName, showAlert);
      await refreshList();
    }
  } catch (failure) {
    secondFactorDialog.close();
    showAlert(failureText(failure));
  }
}

async function remove(tokenName) {
  clearMessages();
  const confirmed = await confirmDialog.ask(`Remove “${tokenName}”?`,
    'Whatever uses it gets “not logged in” from now on. This cannot be undone.');
  if (!confirmed) {
    return;
  }
  try {
    const answer = await withSecondFactor(secondFactor => api.removeToken(session, tokenName, secondFactor));
    if (answer === null) {
      announce(`“${tokenName}” was not removed.`);
    } else if (answer.ok) {
      await refreshList();
      listTitle.focus();
      announce(`Token “${tokenName}” removed.`);
    } else {
      refused(answer, tokenName, showAlert);
      await refreshList();
    }
  } catch (failure) {
    secondFactorDialog.close();
    showAlert(failureText(failure));
  }
}

// ---- start ---------------------------------------------------------------------------------

// A bug must still leave a sentence on the screen, never a blank page; the console keeps the details.
window.addEventListener('error', () => showAlert(messages.PAGE_FAILED));
window.addEventListener('unhandledrejection', () => showAlert(messages.PAGE_FAILED));

if (session === null) {
  showSignIn();
} else {
  await showTokens();
}
