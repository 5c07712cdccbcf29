/** Placeholder: filled in by the Dossier screen work. */
export default function DossierPage() {
  return <div className="page"><h1>Dossier</h1></div>;
}
