namespace Dso.Ingestion;
