// Preloaded into a benched process (`node --import`): on exit, prints the process's own CPU time as the last
// stderr line, so a parent can divide it by the rows the process exported.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\nbench-cpu ${JSON.stringify({ userUs: user, systemUs: system })}\n`);
});
