import {
  ProxiedSignInPage,
  SignInPage,
  WarningPanel,
} from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';

/**
 * Signs in as the guest user without a click: it asks the auth backend's `guest`
 * provider for a session, as a proxied sign-in does. If that fails (auth backend down,
 * guest provider disabled outside development), it falls back to the usual sign-in
 * page with its "Enter" button and says why.
 */
export function GuestSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  return (
    <ProxiedSignInPage
      provider="guest"
      onSignInSuccess={onSignInSuccess}
      ErrorComponent={({ error }) => (
        <>
          {error && (
            <WarningPanel
              severity="warning"
              title="Automatic guest sign-in failed"
              message={error.message}
            />
          )}
          <SignInPage onSignInSuccess={onSignInSuccess} providers={['guest']} />
        </>
      )}
    />
  );
}
