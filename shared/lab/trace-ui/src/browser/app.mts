// The page's script: draws the view that the path names from the JSON API, and draws it again
// each time the receiver gets spans.
import { drawCompare } from './compare-page.mjs';
import { drawList } from './list-page.mjs';
import { showProblem } from './page.mjs';
import { drawTrace } from './trace-page.mjs';

const path = location.pathname;
const draw = path.startsWith('/trace/')
  ? () => drawTrace(decodeURIComponent(path.slice('/trace/'.length)))
  : path === '/compare' ? () => drawCompare(redraw) : () => drawList(redraw);
document.querySelector(`nav a[data-view="${path === '/compare' ? 'compare' : 'list'}"]`)?.classList.add('current');

// One drawing at a time; events that come during one ask for one more after it.
let drawing: Promise<void> | undefined;
let again = false;
function redraw(): void {
  if (drawing) {
    again = true;
    return;
  }
  drawing = draw()
    .catch((error: Error) => showProblem(`Cannot reach the receiver: ${error.message}`))
    .finally(() => {
      drawing = undefined;
      if (again) {
        again = false;
        redraw();
      }
    });
}

// The receiver sends an event each time an export arrives; EventSource reconnects by itself.
const live = document.getElementById('live')!;
const events = new EventSource('/api/events');
events.onopen = () => {
  live.textContent = 'live';
  live.classList.add('on');
};
events.onerror = () => {
  live.textContent = 'reconnecting…';
  live.classList.remove('on');
};
events.onmessage = redraw;
redraw();
