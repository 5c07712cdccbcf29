/** What other modules may use of MAGDA: the import of dossiers in GeefDossierKBI-01.00 format (the `kbi import` command). */
export { importMagdaDossiers, readAnswer, type MagdaFile, type MagdaImportInput, type MagdaImportResult } from './magda.import.ts';
