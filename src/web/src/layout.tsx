// The signed-in frame: navigation (admin links for admins), the signed-in user and Sign out.
import { NavLink, Outlet } from 'react-router-dom';
import { LogOut } from 'lucide-react';
import { useAuth } from './auth';

const LINKS = [
  { to: '/calls', label: 'Calls' },
  { to: '/leads', label: 'Leads' },
  { to: '/scoring', label: 'Scoring' },
  { to: '/prompts', label: 'Prompts' },
  { to: '/settings', label: 'Settings' },
];
const ADMIN_LINKS = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/integrations', label: 'Integrations' },
  { to: '/admin/audit', label: 'Audit' },
];

export function Layout() {
  const { me, logOut } = useAuth();
  const links = me?.role === 'admin' ? [...LINKS, ...ADMIN_LINKS] : LINKS;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">CallSense</span>
        {me?.organization.demo ? (
          <span className="badge badge-custom" title={`${me.organization.name} holds generated demo data`}>
            Demo data
          </span>
        ) : null}
        <nav aria-label="Main">
          <ul>
            {links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to}>{l.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="muted">{me?.email}</span>
          <button type="button" className="secondary small" onClick={() => void logOut()}>
            <LogOut aria-hidden size={14} /> Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
