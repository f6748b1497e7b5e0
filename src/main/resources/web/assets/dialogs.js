// The page's modal dialogs. showModal() makes the rest of the page inert and keeps focus inside;
// these classes move focus in when a dialog opens and back to what opened it when it closes.

import { sha256Hex } from './api.js';

/**
 * A <dialog> shown modally. Escape (the dialog's cancel event) counts as the cancel action.
 * @param {(opener: Element|null) => Element|null} findOpenerAgain the element to return focus to
 *        when the opener left the document (a table row redrawn while the dialog was open)
 */
class Modal {
  constructor(dialog, onCancel, findOpenerAgain) {
    this.dialog = dialog;
    this.opener = null;
    this.findOpenerAgain = findOpenerAgain;
    dialog.addEventListener('cancel', event => {
      event.preventDefault();
      onCancel();
    });
  }

  open(focusTarget) {
    if (!this.dialog.open) {
      this.opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body
        ? document.activeElement : null;
      this.dialog.showModal();
    }
    focusTarget.focus();
  }

  close() {
    if (!this.dialog.open) {
      return;
    }
    this.dialog.close();
    const back = this.opener?.isConnected ? this.opener : this.findOpenerAgain(this.opener);
    this.opener = null;
    back?.focus();
  }
}

/**
 * Marks a form as waiting for the API. Its buttons stay focusable (disabling the focused one would
 * drop focus to the page's start) but say they are unavailable, and its handlers ignore them.
 */
export function setBusy(container, busy) {
  container.setAttribute('aria-busy', String(busy));
  for (const button of container.querySelectorAll('button')) {
    if (busy) {
      button.setAttribute('aria-disabled', 'true');
    } else {
      button.removeAttribute('aria-disabled');
    }
  }
}

export function isBusy(container) {
  return container.getAttribute('aria-busy') === 'true';
}

/** "Confirm" or "Cancel" for a destructive action. */
export class ConfirmDialog {
  constructor(findOpenerAgain) {
    this.dialog = document.getElementById('confirm-dialog');
    this.title = document.getElementById('confirm-dialog-title');
    this.text = document.getElementById('confirm-dialog-text');
    this.confirmButton = document.getElementById('confirm-dialog-confirm');
    this.cancelButton = document.getElementById('confirm-dialog-cancel');
    this.modal = new Modal(this.dialog, () => this.finish(false), findOpenerAgain);
    this.resolve = null;
    this.confirmButton.addEventListener('click', () => this.finish(true));
    this.cancelButton.addEventListener('click', () => this.finish(false));
  }

  /** @returns {Promise<boolean>} whether the person confirmed */
  ask(title, text) {
    this.title.textContent = title;
    this.text.textContent = text;
    // The safe choice has focus: Enter on an unexpected dialog does not destroy anything.
    this.modal.open(this.cancelButton);
    return new Promise(resolve => {
      this.resolve = resolve;
    });
  }

  finish(confirmed) {
    this.modal.close();
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(confirmed);
  }

  dismiss() {
    this.finish(false);
  }
}

/**
 * Asks for what a two-factor challenge's details.method names: a TOTP code, an email code
 * (with "Send the code again"), or, for the password method, the password, sent as its hex
 * SHA-256 as Rocket.Chat's clients send it.
 */
export class SecondFactorDialog {
  /**
   * @param {(emailOrUsername: string) => Promise<string>} resendCode mails a new code; resolves to
   *        the sentence to show
   */
  constructor(resendCode, findOpenerAgain) {
    this.dialog = document.getElementById('code-dialog');
    this.form = document.getElementById('code-dialog-form');
    this.hint = document.getElementById('code-dialog-hint');
    this.codeField = document.getElementById('code-dialog-code-field');
    this.codeInput = document.getElementById('code-dialog-code');
    this.passwordField = document.getElementById('code-dialog-password-field');
    this.passwordInput = document.getElementById('code-dialog-password');
    this.error = document.getElementById('code-dialog-error');
    this.resendButton = document.getElementById('code-dialog-resend');
    this.cancelButton = document.getElementById('code-dialog-cancel');
    this.modal = new Modal(this.dialog, () => this.finish(null), findOpenerAgain);
    this.resendCode = resendCode;
    this.challenge = null;
    this.resolve = null;

    this.form.addEventListener('submit', event => {
      event.preventDefault();
      this.submit();
    });
    this.cancelButton.addEventListener('click', () => this.finish(null));
    this.resendButton.addEventListener('click', () => this.resend());
  }

  get method() {
    return this.challenge.details.method;
  }

  get input() {
    return this.method === 'password' ? this.passwordInput : this.codeInput;
  }

  /**
   * Shows the challenge (again, with what went wrong) and waits for an answer.
   * @param {object} challengeBody the API's challenge body ({errorType, details: {method, ...}})
   * @param {string} problem what was wrong with the previous answer, or ''
   * @returns {Promise<{method: string, code: string}|null>} null when cancelled
   */
  ask(challengeBody, problem) {
    this.challenge = challengeBody;
    const password = this.method === 'password';
    this.codeField.hidden = password;
    this.passwordField.hidden = !password;
    this.resendButton.hidden = this.method !== 'email';
    this.hint.textContent = this.hintText();
    this.codeInput.value = '';
    this.passwordInput.value = '';
    this.showProblem(problem);
    setBusy(this.form, false);
    this.modal.open(this.input);
    return new Promise(resolve => {
      this.resolve = resolve;
    });
  }

  hintText() {
    const details = this.challenge.details;
    switch (this.method) {
      case 'totp':
        return 'Enter the 6-digit code from your authenticator app, or one of your backup codes.';
      case 'email':
        if (details.codeGenerated === false && details.codeExpires) {
          return 'Enter the code we emailed you earlier (it is still valid), or send a new one.';
        }
        return 'We emailed a code to your verified address. Enter it here.';
      case 'password':
        return 'Enter your password to confirm this change.';
      default:
        return `Confirm with your second factor (${details.method}).`;
    }
  }

  showProblem(text) {
    this.error.textContent = text;
    if (text) {
      this.input.setAttribute('aria-invalid', 'true');
      this.input.setAttribute('aria-errormessage', this.error.id);
    } else {
      this.input.removeAttribute('aria-invalid');
      this.input.removeAttribute('aria-errormessage');
    }
  }

  async submit() {
    if (isBusy(this.form)) {
      return;
    }
    const typed = this.method === 'password' ? this.passwordInput.value : this.codeInput.value.trim();
    if (!typed) {
      this.showProblem(this.method === 'password' ? 'Enter your password.' : 'Enter the code.');
      this.input.focus();
      return;
    }
    setBusy(this.form, true);
    let code = typed;
    if (this.method === 'password') {
      try {
        code = await sha256Hex(typed);
      } catch (noWebCrypto) {
        setBusy(this.form, false);
        this.showProblem(noWebCrypto.message);
        return;
      }
      this.passwordInput.value = '';
    }
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.({ method: this.method, code });
  }

  async resend() {
    if (isBusy(this.form)) {
      return;
    }
    setBusy(this.form, true);
    try {
      this.showProblem('');
      this.hint.textContent = await this.resendCode(this.challenge.details.emailOrUsername);
    } finally {
      setBusy(this.form, false);
      this.codeInput.focus();
    }
  }

  /** Shows why the last answer could not be used (the server unreachable), and lets the person try again. */
  retry(problem) {
    return this.ask(this.challenge, problem);
  }

  /** Cancelling is refused while an answer is on its way: the request it sent cannot be called back. */
  finish(answer) {
    if (answer === null && isBusy(this.form)) {
      return;
    }
    const resolve = this.resolve;
    this.resolve = null;
    if (answer === null) {
      this.close();
    }
    resolve?.(answer);
  }

  close() {
    this.codeInput.value = '';
    this.passwordInput.value = '';
    setBusy(this.form, false);
    this.modal.close();
  }

  dismiss() {
    setBusy(this.form, false);
    this.finish(null);
  }
}

/** The new token, shown once with the user id; closing forgets it. */
export class TokenDialog {
  constructor(findOpenerAgain) {
    this.dialog = document.getElementById('token-dialog');
    this.title = document.getElementById('token-dialog-title');
    this.tokenInput = document.getElementById('token-dialog-token');
    this.userIdInput = document.getElementById('token-dialog-user-id');
    this.status = document.getElementById('token-dialog-status');
    this.copyButton = document.getElementById('token-dialog-copy');
    this.closeButton = document.getElementById('token-dialog-close');
    this.modal = new Modal(this.dialog, () => this.close(), findOpenerAgain);
    this.copyButton.addEventListener('click', () => this.copy());
    this.closeButton.addEventListener('click', () => this.close());
  }

  show(title, token, userId) {
    this.title.textContent = title;
    this.tokenInput.value = token;
    this.userIdInput.value = userId;
    this.status.textContent = '';
    this.modal.open(this.tokenInput);
    this.tokenInput.select();
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.tokenInput.value);
      this.status.textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard permission (an embedded or locked-down browser): copy the selection instead.
      this.tokenInput.focus();
      this.tokenInput.select();
      const copied = document.execCommand('copy');
      this.status.textContent = copied
        ? 'Copied to the clipboard.'
        : 'The token is selected: copy it with Ctrl+C (⌘C on a Mac).';
    }
  }

  close() {
    this.tokenInput.value = '';
    this.userIdInput.value = '';
    this.status.textContent = '';
    this.modal.close();
  }

  dismiss() {
    this.close();
  }
}
