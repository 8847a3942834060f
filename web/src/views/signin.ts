import { type Auth, AuthError } from '../lib/auth';
import { h } from '../lib/dom';

/**
 * The user pool's password policy (infra/builtin-labeling.yml, PasswordPolicy): shown before the
 * first try, and enforced by the field itself so a short password never reaches Cognito.
 */
export const PASSWORD_RULES =
  'At least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol (such as ! ? # - _).';
const PASSWORD_PATTERN = '(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*[^A-Za-z0-9]).{12,}';

const field = (id: string, type: string, autocomplete: string, extra: Record<string, string | number> = {}) =>
  h('input', { id, name: id, type, autocomplete, required: true, ...extra });

interface Form {
  error: HTMLElement;
  submit: HTMLButtonElement;
}

/** Runs the form's work with its button disabled; a failure is shown in the form. */
const busy = async (form: Form, work: () => Promise<void>) => {
  form.submit.disabled = true;
  form.error.textContent = '';
  try {
    await work();
  } catch (e) {
    form.error.textContent = e instanceof AuthError || e instanceof Error ? e.message : String(e);
  } finally {
    form.submit.disabled = false;
  }
};

/** The first-login password change Cognito asks of users an admin created. */
const newPasswordForm = (form: Form, submitNew: (password: string) => Promise<void>): HTMLFormElement => {
  const rules = { minlength: 12, pattern: PASSWORD_PATTERN, title: PASSWORD_RULES, 'aria-describedby': 'pw-rules' };
  const fresh = field('new-password', 'password', 'new-password', rules);
  const again = field('new-password-again', 'password', 'new-password');
  form.submit.textContent = 'Set password and sign in';
  const changeForm = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'newpw-title' },
    h('h1', { id: 'newpw-title' }, 'Choose your password'),
    h('p', { class: 'muted' }, 'This is your first sign-in: replace the temporary password you were given.'),
    h('label', { for: 'new-password' }, 'New password'),
    fresh,
    h('p', { class: 'muted rules', id: 'pw-rules' }, PASSWORD_RULES),
    h('label', { for: 'new-password-again' }, 'New password again'),
    again,
    form.error,
    form.submit,
  );
  changeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (fresh.value !== again.value) {
      form.error.textContent = 'The two passwords differ.';
      return;
    }
    void busy(form, () => submitNew(fresh.value));
  });
  return changeForm;
};

/** Sign-in, and the first-login password change. */
export const renderSignIn = (root: HTMLElement, auth: Auth, done: () => void): void => {
  const form: Form = {
    error: h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }),
    submit: h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  };
  const email = field('email', 'email', 'username');
  const password = field('password', 'password', 'current-password');
  const signInForm = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to label'),
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    form.error,
    form.submit,
  );
  const main = h('main', { class: 'center', id: 'main' }, signInForm);
  const askNewPassword = (challenge: string) => {
    main.replaceChildren(
      newPasswordForm(form, async (fresh) => {
        await auth.completeNewPassword(email.value.trim(), challenge, fresh);
        done();
      }),
    );
    main.querySelector<HTMLInputElement>('#new-password')?.focus();
  };
  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(form, async () => {
      const result = await auth.signIn(email.value.trim(), password.value);
      if (result.kind === 'newPasswordRequired') askNewPassword(result.session);
      else done();
    });
  });
  root.replaceChildren(main);
  email.focus();
};
