// Must stay the first import: see zod-csp.ts.
import './zod-csp';
import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/600.css';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { themeStore } from './state/theme';
import { createTrainerStore, heartbeatFromUrl } from './state/trainer';
import { pickTrainerTransport } from './trainer/transport';

// Apply the theme before the first render, so the window never flashes the wrong one.
themeStore();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const trainer = createTrainerStore(pickTrainerTransport(), heartbeatFromUrl(window.location.search));

createRoot(root).render(
  <StrictMode>
    <App trainer={trainer} />
  </StrictMode>,
);
