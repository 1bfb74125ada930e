import { keepYoungGenerationSmall } from './young-generation.js';

// Imported first by each shell's entry, for its side effect: ES modules evaluate their imports
// in order, so this runs before the rest of the core is loaded and allocates.
keepYoungGenerationSmall();
