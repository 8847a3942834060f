import { type Auth, AuthError } from '../lib/auth';
import { h } from '../lib/dom';

/** Sign-in, and the first-login password change Cognito asks of users an admin created. */
export const renderSignIn = (root: HTMLElement, auth: Auth, done: () => void): void => {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to label'),
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    error,
    submit,
  );

  const busy = async (work: () => Promise<void>) => {
    submit.disabled = true;
    error.textContent = '';
    try {
      await work();
    } catch (e) {
      error.textContent = e instanceof AuthError || e instanceof Error ? e.message : String(e);
    } finally {
      submit.disabled = false;
    }
  };

  const askNewPassword = (challenge: string) => {
    const fresh = h('input', {
      id: 'new-password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      minlength: 8,
    });
    const again = h('input', {
      id: 'new-password-again',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
    });
    const change = h('button', { type: 'submit', class: 'primary' }, 'Set password and sign in');
    const changeForm = h(
      'form',
      { class: 'card signin', 'aria-labelledby': 'newpw-title' },
      h('h1', { id: 'newpw-title' }, 'Choose your password'),
      h('p', { class: 'muted' }, 'This is your first sign-in: replace the temporary password you were given.'),
      h('label', { for: 'new-password' }, 'New password'),
      fresh,
      h('label', { for: 'new-password-again' }, 'New password again'),
      again,
      error,
      change,
    );
    changeForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (fresh.value !== again.value) {
        error.textContent = 'The two passwords differ.';
        return;
      }
      void busy(async () => {
        await auth.completeNewPassword(email.value.trim(), challenge, fresh.value);
        done();
      });
    });
    main.replaceChildren(changeForm);
    fresh.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(async () => {
      const result = await auth.signIn(email.value.trim(), password.value);
      if (result.kind === 'newPasswordRequired') askNewPassword(result.session);
      else done();
    });
  });
  const main = h('main', { class: 'center', id: 'main' }, form);
  root.replaceChildren(main);
  email.focus();
};
