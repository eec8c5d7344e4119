import { FIXED_CARD_CSS } from '../../../src/widgets/view/fixed-card.js';
import { renderSlider, SLIDER_CSS } from '../../../src/widgets/view/layout-slider.js';
import type { MountContext } from '../contract.js';
import { slide } from '../runtime/carousel.js';
import { startsPaused } from '../runtime/rotation.js';
import { mountLayout } from '../runtime/widget.js';

export const mount = (context: MountContext) =>
  mountLayout(context, {
    css: [FIXED_CARD_CSS, SLIDER_CSS],
    render: renderSlider,
    behave: slide,
    initialState: startsPaused,
  });
