// Routes: sign-in when signed out; otherwise the pages inside the layout. Integrations is loaded on demand.
import { type ComponentType, lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth';
import { Layout } from './layout';
import { Loading } from './components/ui';
import { SignInPage } from './pages/sign-in';
import { CallsPage } from './pages/calls';
import { CallDetailPage } from './pages/call-detail';
import { LeadsPage } from './pages/leads';
import { ScoringPage } from './pages/scoring';
import { SettingsPage } from './pages/settings';
import { UsersPage } from './admin/users';
import { AuditPage } from './admin/audit';
import { PromptLibraryPage } from './prompts/library-page';
import { PromptPage } from './prompts/prompt-page';

const IntegrationsPage = lazy(() => import('./admin/integrations'));
// The charts library is large: only the lead page needs it.
const LeadDetailPage = lazy(() => import('./pages/lead-detail'));

/** A page loaded on demand, with what stands in its place until it arrives. */
function OnDemand({ page: Page, loading }: { page: ComponentType; loading: string }) {
  return (
    <Suspense fallback={<Loading text={loading} />}>
      <Page />
    </Suspense>
  );
}

export function App() {
  const { token } = useAuth();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  if (!token) {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          path="*"
          element={
            <Navigate
              to="/sign-in"
              replace
              state={{ from: location.pathname === '/' ? undefined : location.pathname }}
            />
          }
        />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/sign-in" element={<Navigate to={from && from !== '/sign-in' ? from : '/calls'} replace />} />
      <Route element={<Layout />}>
        <Route path="/calls" element={<CallsPage />} />
        <Route path="/calls/:id" element={<CallDetailPage />} />
        <Route path="/leads" element={<LeadsPage />} />
        <Route path="/leads/:id" element={<OnDemand page={LeadDetailPage} loading="Loading lead…" />} />
        <Route path="/scoring" element={<ScoringPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="/prompts" element={<PromptLibraryPage />} />
        <Route path="/prompts/:id" element={<PromptPage />} />
        <Route path="/admin/users" element={<UsersPage />} />
        <Route
          path="/admin/integrations"
          element={<OnDemand page={IntegrationsPage} loading="Loading integrations…" />}
        />
        <Route path="/admin/audit" element={<AuditPage />} />
        <Route path="*" element={<Navigate to="/calls" replace />} />
      </Route>
    </Routes>
  );
}
