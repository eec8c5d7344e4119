import { FIXED_CARD_CSS } from '../../../src/widgets/view/fixed-card.js';
import { renderSingle, SINGLE_CSS } from '../../../src/widgets/view/layout-single.js';
import type { MountContext } from '../contract.js';
import { mountLayout } from '../runtime/widget.js';

export const mount = (context: MountContext) =>
  mountLayout(context, { css: [FIXED_CARD_CSS, SINGLE_CSS], render: renderSingle });
