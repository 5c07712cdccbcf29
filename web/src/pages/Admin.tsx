/** Placeholder: filled in by the Admin screen work. */
export default function AdminPage() {
  return <div className="page"><h1>Admin</h1></div>;
}
