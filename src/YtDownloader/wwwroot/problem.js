// The one place the page reports what went wrong with a link or an upload: a heading saying what is wrong
// (the problem's title) above the server's sentence for the user.

const box = document.getElementById('details-error');

export function showProblem(error) {
  box.querySelector('.problem-title').textContent = error.title ?? 'Something went wrong';
  box.querySelector('.problem-detail').textContent = error.message;
  box.hidden = false;
  // A green "Video ID …" beside a red failure reads as a contradiction: the failure speaks alone.
  const status = document.getElementById('link-status');
  if (status.classList.contains('valid')) {
    status.textContent = '';
    status.className = 'status';
  }
}

export function clearProblem() {
  box.hidden = true;
}
