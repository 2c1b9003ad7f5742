/**
 * The CPU peers of {@code convcl bench --peers}: DJL with its PyTorch engine, and ND4J, each one
 * {@link org.convcl.bench.Contender} found through {@link org.convcl.bench.PeerLibrary}. This module is built only on
 * demand (see its pom.xml), so the normal build never fetches their native jars.
 */
package org.convcl.bench.peers;
