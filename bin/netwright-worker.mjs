// The worker thread of `netwright train` (see src/cli/main.ts): registers tsx's loader in this thread, then runs main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
