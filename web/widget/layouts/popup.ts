import { POPUP_CSS, renderPopup } from '../../../src/widgets/view/layout-popup.js';
import type { MountContext } from '../contract.js';
import { notify } from '../runtime/carousel.js';
import { startsPaused } from '../runtime/rotation.js';
import { mountLayout } from '../runtime/widget.js';

export const mount = (context: MountContext) =>
  mountLayout(context, {
    css: [POPUP_CSS],
    render: renderPopup,
    behave: notify,
    initialState: startsPaused,
  });
