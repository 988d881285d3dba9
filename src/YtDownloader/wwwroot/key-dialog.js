// The API key, asked for only when the server answers 401. Escape or Cancel declines: the request that
// asked then fails with the server's "key needed", which the page shows instead of an empty list.

const $ = (id) => document.getElementById(id);

/** Shows the dialog; resolves {key, remember} or null when the user declines. */
export function askForKey(problem) {
  return new Promise((resolve) => {
    const dialog = $('key-dialog');
    const form = $('key-form');
    const input = $('api-key');
    const error = $('key-error');
    error.textContent = problem;
    error.hidden = !problem;
    input.value = '';
    let answer = null;
    const submit = (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (key) answer = { key, remember: $('remember-key').checked };
      dialog.close();
    };
    const cancel = () => dialog.close();
    // Every way out (the buttons, Escape, a form submit) ends in 'close'.
    dialog.addEventListener('close', () => {
      form.removeEventListener('submit', submit);
      $('key-cancel').removeEventListener('click', cancel);
      resolve(answer);
    }, { once: true });
    form.addEventListener('submit', submit);
    $('key-cancel').addEventListener('click', cancel);
    dialog.showModal();
    input.focus();
  });
}
