// `npm start`: the main job on the embedded default. Until the server lands this is the core demo.
await import('./demo.mjs');
