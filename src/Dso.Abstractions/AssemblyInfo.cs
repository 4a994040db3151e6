namespace Dso.Abstractions;
