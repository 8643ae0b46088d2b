/** The page frame: header with the brand, the caller, sign-out, the menu button on small screens, and the navigation. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useAuth, useCaller } from '../auth';
import { Link, useLocation } from '../router';

/** Header with the brand, the caller, sign-out and (on small screens) the menu button. */
export function Frame({ children, nav }: { children: ReactNode; nav?: ReactNode }) {
  const { signOut } = useAuth();
  const caller = useCaller();
  const [menuOpen, setMenuOpen] = useState(false);
  const { path } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    // After a navigation, move focus to the new page's heading so screen readers announce it.
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        {nav === undefined ? null : (
          <button type="button" className="button menu-button" aria-expanded={menuOpen} aria-controls="site-nav" onClick={() => setMenuOpen((o) => !o)}>
            Menu
          </button>
        )}
        <Link to="/" className="brand">
          scimd console
        </Link>
        <span className="who" title={caller.name}>
          {caller.kind === 'operator' ? caller.name : 'Customer admin'}
        </span>
        <button type="button" className="button button-ghost" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div className="body">
        {nav === undefined ? null : (
          <nav id="site-nav" aria-label="Organization" className={menuOpen ? 'sidenav open' : 'sidenav'}>
            {nav}
          </nav>
        )}
        <main id="main" className="main">
          {children}
        </main>
      </div>
    </div>
  );
}
