#!/usr/bin/env node
import { runStandalone } from './standalone.js';

await runStandalone('seq-store');
