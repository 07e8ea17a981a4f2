// The frame around every signed-in page: brand, navigation, who is signed in, sign out.
import { NavLink, Outlet } from "react-router-dom";
import { useSession, useSignedIn } from "../auth/session";

export function Layout() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const admin = session.role === "admin";
  const links: [string, string][] = [
    ["/", "Dashboard"],
    ["/webhooks", "Webhooks"],
    ["/events", "Events"],
    ["/deliveries", "Failed deliveries"],
    ["/event-types", "Event types"],
    ["/inboxes", "Inboxes"],
    ["/playground", "Playground"],
  ];
  if (admin) links.push(["/tokens", "Tokens"], ["/audit", "Audit log"]);
  links.push(["/about", "About"]);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          hookd
        </a>
        <nav aria-label="Main">
          {links.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === "/"} className="nav-link">
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span className="badge badge-muted" aria-label="Signed in as">
            {admin ? "Admin" : `Portal · ${session.tenant}`}
          </span>
          <button type="button" className="button button-small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
