/**
 * How `POST /api/magda/soap` appears in the API document: a whole GeefDossierKBI question and the
 * answer to it, as the endpoint writes them (the person is MAGDA's fictitious test person of example
 * 90122501644, with a birth date its INSZ agrees with). Both validate against the published XSD
 * (tests/api/magda-wsdl.test.ts).
 */

export const SOAP_REQUEST_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
    <soapenv:Header/>
    <soapenv:Body>
        <web:GeefDossierKBI xmlns:web="http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be">
            <Verzoek>
                <Context>
                    <Naam>GeefDossierKBI</Naam>
                    <Versie>01.00.0000</Versie>
                    <Bericht>
                        <Type>VRAAG</Type>
                        <Tijdstip>
                            <Datum>2026-12-05</Datum>
                            <Tijd>12:00:00.000</Tijd>
                        </Tijdstip>
                        <Afzender>
                            <Identificatie>vmsw-kbi-dossiers</Identificatie>
                            <Referte>0f8c2a4e-5b1d-4c7e-9a3f-2d6b8e1c7a90</Referte>
                            <Hoedanigheid>3003</Hoedanigheid>
                        </Afzender>
                    </Bericht>
                </Context>
                <Vragen>
                    <Vraag>
                        <Referte>vraag-1</Referte>
                        <Inhoud>
                            <INSZ>90122501644</INSZ>
                        </Inhoud>
                    </Vraag>
                </Vragen>
            </Verzoek>
        </web:GeefDossierKBI>
    </soapenv:Body>
</soapenv:Envelope>
`;

export const SOAP_ANSWER_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
    <soapenv:Header/>
    <soapenv:Body>
        <web:GeefDossierKBIResponse xmlns:web="http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be">
            <Repliek>
                <Context>
                    <Naam>GeefDossierKBI</Naam>
                    <Versie>01.00.0000</Versie>
                    <Bericht>
                        <Type>ANTWOORD</Type>
                        <Tijdstip>
                            <Datum>2026-12-05</Datum>
                            <Tijd>12:00:00.214</Tijd>
                        </Tijdstip>
                        <Afzender>
                            <Identificatie>kbi.vlaanderen.be</Identificatie>
                            <Naam>KBI</Naam>
                            <Referte>req-3f9d2c71</Referte>
                        </Afzender>
                        <Ontvanger>
                            <Identificatie>vmsw-kbi-dossiers</Identificatie>
                            <Referte>0f8c2a4e-5b1d-4c7e-9a3f-2d6b8e1c7a90</Referte>
                            <Hoedanigheid>3003</Hoedanigheid>
                        </Ontvanger>
                    </Bericht>
                </Context>
                <Antwoorden>
                    <Antwoord>
                        <Referte>vraag-1</Referte>
                        <Inhoud>
                            <KBIDossier>
                                <Personalia>
                                    <INSZ>90122501644</INSZ>
                                    <Naam>
                                        <Achternamen>
                                            <Achternaam>User689</Achternaam>
                                        </Achternamen>
                                        <Voornamen>
                                            <Voornaam>Test689</Voornaam>
                                        </Voornamen>
                                    </Naam>
                                    <Geboortedatum>1990-12-25</Geboortedatum>
                                    <Geslacht>
                                        <Code Beschrijving="Vrouwelijk">2</Code>
                                    </Geslacht>
                                    <AangemaaktDoor>
                                        <KboNummer>0253973219</KboNummer>
                                    </AangemaaktDoor>
                                </Personalia>
                                <Doelgroep>
                                    <Code>JA</Code>
                                    <Type>PLICHT</Type>
                                    <SubType>VOL_PROG</SubType>
                                    <Periode>
                                        <Begin>2017-03-23</Begin>
                                    </Periode>
                                </Doelgroep>
                                <Trajecten>
                                    <Traject>
                                        <Type>TT_IBVP</Type>
                                        <Beheerder>
                                            <Periode>
                                                <Begin>2017-03-23</Begin>
                                            </Periode>
                                            <KBIVestiging>
                                                <KboNummer>0421722346</KboNummer>
                                                <KbiNummer>BFD4F0D6634544AA98C884D4950313AB</KbiNummer>
                                            </KBIVestiging>
                                            <ContactPersoon>
                                                <Naam>
                                                    <Achternamen>
                                                        <Achternaam>koala</Achternaam>
                                                    </Achternamen>
                                                    <Voornamen>
                                                        <Voornaam>rod</Voornaam>
                                                    </Voornamen>
                                                </Naam>
                                            </ContactPersoon>
                                        </Beheerder>
                                        <Status>
                                            <Code>OP</Code>
                                            <Periode>
                                                <Begin>2017-03-23</Begin>
                                            </Periode>
                                        </Status>
                                        <TrajectOnderdelen>
                                            <TrajectOnderdeel>
                                                <Type>TO_OB_MO</Type>
                                                <Periode>
                                                    <Begin>2017-03-23</Begin>
                                                </Periode>
                                                <Status>
                                                    <Code>TO_STA_31</Code>
                                                    <Periode>
                                                        <Begin>2017-03-23</Begin>
                                                    </Periode>
                                                </Status>
                                            </TrajectOnderdeel>
                                        </TrajectOnderdelen>
                                    </Traject>
                                </Trajecten>
                                <Wooncode>
                                    <MoetVoldoenAanInburgeringsBereidheid>true</MoetVoldoenAanInburgeringsBereidheid>
                                    <VoldoetAanInburgeringBereidheid>false</VoldoetAanInburgeringBereidheid>
                                    <MoetVoldoenAanTaalBereidheid>false</MoetVoldoenAanTaalBereidheid>
                                    <OpvolgingDoor>Onthaalbureau</OpvolgingDoor>
                                </Wooncode>
                            </KBIDossier>
                        </Inhoud>
                    </Antwoord>
                </Antwoorden>
            </Repliek>
        </web:GeefDossierKBIResponse>
    </soapenv:Body>
</soapenv:Envelope>
`;

const SOAP_FAULT_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
    <soapenv:Header/>
    <soapenv:Body>
        <soapenv:Fault>
            <faultcode>soapenv:Client</faultcode>
            <faultstring>service GeefDossierKBI version 09.00.0000 is not offered here</faultstring>
        </soapenv:Fault>
    </soapenv:Body>
</soapenv:Envelope>
`;

/** A request body's example goes in its schema (the document generator moves it out); an answer's beside it. */
const body = (example: string) => ({ schema: { type: 'string', examples: [example] } });
const answer = (example: string) => ({ schema: { type: 'string' }, example });

/** The request body and answers of POST /api/magda/soap in the API document (the body is read as text; the schema checks no more). */
export const SOAP_OPENAPI = {
  body: { content: { 'text/xml': body(SOAP_REQUEST_EXAMPLE) } },
  response: {
    200: {
      description:
        'The MAGDA Repliek: Antwoorden/Antwoord/Inhoud with the KBIDossier (only the authorised clusters), or Uitzonderingen (30001 unknown, -300010 not authorised, -300020 not integrated).',
      content: { 'text/xml': answer(SOAP_ANSWER_EXAMPLE) },
    },
    500: {
      description:
        'A SOAP 1.1 fault: the message could not be read (not well-formed, a DTD, a wrong namespace, an unknown service or version, an invalid INSZ).',
      content: { 'text/xml': answer(SOAP_FAULT_EXAMPLE) },
    },
  },
};
