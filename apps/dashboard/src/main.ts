import './styles.css';
import 'uplot/dist/uPlot.min.css';
import { api, setUnauthorizedHandler } from './api.js';
import { loginPage } from './pages/login.js';
import { recordingPage } from './pages/recording.js';
import { recordingsPage } from './pages/recordings.js';
import { sessionPage } from './pages/session.js';
import { videoPage } from './pages/video.js';
import { videosPage } from './pages/videos.js';
import { Router } from './router.js';
import { h } from './ui/dom.js';
import { empty } from './ui/states.js';

const app = document.getElementById('app')!;

const navLink = (href: string, label: string, name: string) => h('a', { href, 'data-nav': name }, label);

const logout = h(
  'button',
  {
    type: 'button',
    class: 'link',
    'data-testid': 'logout',
    onclick: async () => {
      try {
        await api.logout();
      } finally {
        Router.go('/login');
      }
    },
  },
  'Log out',
);

const header = h(
  'header',
  { class: 'topbar' },
  h('a', { class: 'brand', href: '#/' }, 'watchtime'),
  h('nav', {}, navLink('#/', 'Videos', 'videos'), navLink('#/recordings', 'Recordings', 'recordings')),
  logout,
);
const main = h('main', { id: 'page' });
app.replaceChildren(header, main);

const sections: Record<string, string> = {
  videos: 'videos',
  video: 'videos',
  session: 'videos',
  recordings: 'recordings',
  recording: 'recordings',
};

const router = new Router(
  main,
  ({ root }) => {
    root.append(empty('There is no such page.', h('a', { href: '#/' }, 'Back to the videos')));
  },
  (name) => {
    document.body.dataset.route = name;
    header.hidden = name === 'login';
    for (const a of header.querySelectorAll<HTMLAnchorElement>('[data-nav]'))
      a.classList.toggle('active', a.dataset.nav === sections[name]);
  },
)
  .add('login', '/login', loginPage)
  .add('videos', '/', videosPage)
  .add('videos', '/videos', videosPage)
  .add('video', '/videos/:videoId', videoPage)
  .add('session', '/sessions/:sessionId', sessionPage)
  .add('recordings', '/recordings', recordingsPage)
  .add('recording', '/recordings/:id', recordingPage);

// Any 401 sends the analyst to the login page, which returns here afterwards.
setUnauthorizedHandler(() => {
  const here = Router.here();
  if (here.startsWith('/login')) return;
  Router.go(`/login?next=${encodeURIComponent(here)}`);
});

router.start();
