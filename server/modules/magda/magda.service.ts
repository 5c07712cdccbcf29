/** What other modules may use of MAGDA: the import of dossiers in GeefDossierKBI-01.00 format (the `kbi import` command), and its XML. */
export { importMagdaDossiers, readAnswer, type MagdaFile, type MagdaImportInput, type MagdaImportResult } from './magda.import.ts';
/** MAGDA's XML, for the messages KBI sends itself (the InvalidatieKBIDossier push of change notifications): the same writer and guarded reader. */
export { el, opt, writeXml, soapEnvelope, readEnvelope, textAt, MalformedMessage, SOAP_NS, type El, type Node } from './xml.ts';
