// The pages and who may see them: signed-out visitors get the sign-in page; tenant tokens get
// their portal (no tokens page); the admin gets everything.
import { Navigate, Route, Routes } from "react-router-dom";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Loading";
import { SignIn } from "./pages/SignIn";
import { Dashboard } from "./pages/Dashboard";
import { Webhooks } from "./pages/Webhooks";
import { NewWebhook } from "./pages/NewWebhook";
import { EditWebhook } from "./pages/EditWebhook";
import { WebhookPage } from "./pages/WebhookPage";
import { Events } from "./pages/Events";
import { PublishEvent } from "./pages/PublishEvent";
import { EventPage } from "./pages/EventPage";
import { DeliveryPage } from "./pages/DeliveryPage";
import { Deliveries } from "./pages/Deliveries";
import { EventTypes } from "./pages/EventTypes";
import { Tokens } from "./pages/Tokens";
import { Audit } from "./pages/Audit";
import { About } from "./pages/About";
import { Playground } from "./pages/Playground";
import { Inboxes } from "./pages/Inboxes";
import { NewInbox } from "./pages/NewInbox";
import { InboxPage } from "./pages/InboxPage";
import { EditInbox } from "./pages/EditInbox";
import { InboxRequestPage } from "./pages/InboxRequestPage";
import { NotFound } from "./pages/NotFound";

export function App() {
  const { session, checking } = useSession();
  if (checking && !session) return <Loading label="Signing in" />;
  if (!session) return <SignIn />;
  const admin = session.role === "admin";
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Dashboard />} />
        <Route path="webhooks" element={<Webhooks />} />
        <Route path="webhooks/new" element={<NewWebhook />} />
        <Route path="webhooks/:id" element={<WebhookPage />} />
        <Route path="webhooks/:id/edit" element={<EditWebhook />} />
        <Route path="events" element={<Events />} />
        <Route path="events/new" element={<PublishEvent />} />
        <Route path="events/:id" element={<EventPage />} />
        <Route path="deliveries" element={<Deliveries />} />
        <Route path="deliveries/:id" element={<DeliveryPage />} />
        <Route path="event-types" element={<EventTypes />} />
        <Route path="inboxes" element={<Inboxes />} />
        <Route path="inboxes/new" element={<NewInbox />} />
        <Route path="inboxes/:id" element={<InboxPage />} />
        <Route path="inboxes/:id/edit" element={<EditInbox />} />
        <Route path="inbox-requests/:id" element={<InboxRequestPage />} />
        <Route path="playground" element={<Playground />} />
        <Route path="tokens" element={admin ? <Tokens /> : <Navigate to="/" replace />} />
        <Route path="audit" element={admin ? <Audit /> : <Navigate to="/" replace />} />
        <Route path="about" element={<About />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
