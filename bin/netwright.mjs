#!/usr/bin/env node
// The `netwright` command line (see `netwright --help`): runs src/cli/main.ts through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
