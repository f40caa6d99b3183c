import { main } from './rare-failure.js';

main();
