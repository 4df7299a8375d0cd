// npm run figures: regenerate the SVGs the README shows (docs/figures/), deterministically.
import { mkdirSync, writeFileSync } from 'node:fs';
import { activationFigure, bitSplitSweep, histogramFigure, npyTensorSource, staircaseFigure, sweepFigure } from '../src/index.js';

mkdirSync('docs/figures', { recursive: true });
const figures: Record<string, string> = {
  'activations.svg': activationFigure(['relu', 'relu6', 'relu3', 'softplus', 'swish', 'mish', 'elu', 'sigmoid'], { gradient: false, title: 'The activation functions of relu6q' }),
  'activations-gradients.svg': activationFigure(['relu6', 'softplus', 'sigmoid', 'mish'], { gradient: true }),
  'staircase-relu6-uq3.5.svg': staircaseFigure('relu6:uq3.5'),
  'histogram-conv3.svg': histogramFigure(npyTensorSource('fixtures/conv3_pointwise_preact.npy'), { log: true }),
  'sweep-conv11.svg': sweepFigure(bitSplitSweep(npyTensorSource('fixtures/conv11_pointwise_preact.npy'), 8)),
};
for (const [name, svg] of Object.entries(figures)) {
  writeFileSync(`docs/figures/${name}`, svg);
  console.log(`docs/figures/${name} (${svg.length} bytes)`);
}
