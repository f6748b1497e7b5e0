/**
 * The request core, free of HTTP: what an endpoint is given ({@link dev.rcpat.core.AuthenticatedRequest}
 * and its typed input), what it decides ({@link dev.rcpat.core.Outcome}), and how a decided change
 * is written ({@link dev.rcpat.core.OutcomeWriter}: one conditional write carrying the endpoint's
 * operations, the two-factor bookkeeping and the token's last use).
 */
package dev.rcpat.core;
