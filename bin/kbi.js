#!/usr/bin/env node
// Entry point of `npx kbi …` and `npm start`: runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
