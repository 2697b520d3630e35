// The `lightchat` command (bin/lightchat.js imports the built copy of this file).
import { main } from './main.js';

process.exitCode = await main(process.argv);
