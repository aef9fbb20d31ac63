import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const guestSignInPage = SignInPageBlueprint.make({
  params: {
    loader: () => import('./GuestSignInPage').then(m => m.GuestSignInPage),
  },
});

/** Guest sign-in, automatic: the backend requires a Backstage token on every route. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [guestSignInPage],
});
