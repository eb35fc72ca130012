// Admin pages render their content for admins only; others see why.
import type { ReactNode } from 'react';
import { useAuth } from '../auth';
import { Loading } from '../components/ui';

export function AdminsOnly({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  if (!me) return <Loading />;
  if (me.role !== 'admin') {
    return (
      <section className="card">
        <h1>Admins only</h1>
        <p>This page is for your organization's administrators. Ask one of them for access.</p>
      </section>
    );
  }
  return <>{children}</>;
}
