/**
 * The workbench's only script, served as /static/workbench.js (compiled from this file by
 * esbuild when the server starts; no build step). Progressive: every page works without it.
 *
 * The queue page polls the count of cases under its filters and, when new ones arrived, says
 * so in a polite live region with a link to refresh: the list itself never moves under the
 * agent's keyboard focus (WCAG 2.2.5-like predictability).
 */
const POLL_MS = 15_000;

function pollQueue(el: HTMLElement): void {
  const url = el.dataset.poll;
  let known = Number(el.dataset.total ?? '0');
  if (!url) return;
  const tick = async () => {
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const body = (await res.json()) as { total?: number };
      const total = Number(body.total ?? 0);
      if (total > known) {
        const n = total - known;
        el.textContent = '';
        const a = document.createElement('a');
        a.className = 'utrecht-link';
        a.href = window.location.pathname + window.location.search;
        a.textContent = n === 1 ? (el.dataset.labelOne ?? '') : (el.dataset.labelMany ?? '').replace(/\d+/, String(n));
        el.appendChild(a);
      } else if (total < known) {
        known = total;
      }
    } catch {
      // Offline or signed out: the next tick tries again.
    }
  };
  window.setInterval(() => { void tick(); }, POLL_MS);
}

/**
 * Drafts survive an expired session: every text field marked `data-draft` is kept in this
 * tab's sessionStorage while the agent types, put back when its page is shown again (after
 * signing in anew), and dropped once the server confirmed the action (`?done=` on the page).
 * sessionStorage is per tab and gone when the tab closes; nothing goes to the server.
 */
function keepDrafts(): void {
  const done = new URLSearchParams(window.location.search).get('done');
  for (const field of Array.from(document.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>('[data-draft]'))) {
    const key = `kcc-draft:${field.dataset.draft}`;
    if (done && field.dataset.draftAction === done) sessionStorage.removeItem(key);
    const saved = sessionStorage.getItem(key);
    if (saved !== null && saved !== field.value) field.value = saved;
    field.addEventListener('input', () => sessionStorage.setItem(key, field.value));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const el = document.getElementById('kcc-new-cases');
  if (el) pollQueue(el);
  keepDrafts();
});
