// Parses a WebVTT file with webvtt-parser (the W3C-derived parser that
// reports malformed timings and cues ending before they start) and prints
// its errors and cue timings as JSON.
//
//   node check-vtt.mjs FILE.vtt
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { WebVTTParser } = require('webvtt-parser');
const tree = new WebVTTParser().parse(readFileSync(process.argv[2], 'utf8'), 'metadata');
console.log(JSON.stringify({
  errors: tree.errors,
  cues: tree.cues.map((c) => ({ id: c.id, start: c.startTime, end: c.endTime, text: c.text })),
}));
