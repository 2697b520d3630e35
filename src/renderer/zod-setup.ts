import { config } from 'zod/v4/core';

// The page's CSP refuses eval: zod probes `new Function` when it builds an object schema (to compile a
// fast parser), and the CSP reports each refusal. Settings is the only part of the page with schemas
// (Settings → Tools checks servers with the settings schema), and App loads this module before it.
config({ jitless: true });
