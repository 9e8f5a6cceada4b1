import { createContext, useContext } from 'react';

import type { Me, RegisterRequest, SecondFactorRequired, TokenPair } from './api';

/** Why the person is signed out, to tell them on the login page. */
export type SignedOutNotice = 'expired' | 'signed-out' | 'everywhere' | 'deleted';

export type AuthStatus =
  | { status: 'restoring' }
  | { status: 'unreachable' }
  | { status: 'signed-out'; notice: SignedOutNotice | null }
  | { status: 'signed-in' };

export interface AuthContextValue {
  state: AuthStatus;
  /** A right password signs in, or (two-factor on) answers the challenge of the second step. */
  signIn(login: string, password: string): Promise<Me | SecondFactorRequired>;
  /** Starts the session from tokens a second step or a passkey login gave. */
  finishSignIn(pair: TokenPair): Promise<Me>;
  register(data: RegisterRequest): Promise<Me | SecondFactorRequired>;
  signOut(): Promise<void>;
  /** Ends every session of the account, this one included. Resolves to how many were ended. */
  signOutEverywhere(): Promise<number>;
  /** The account is gone: forget everything locally. */
  forget(notice: SignedOutNotice): void;
  retryRestore(): void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
