/** multipart/related bodies (RFC 2046 5.1, RFC 2387) read and written as streams, one part at a time. */
package org.vesalius.dicomweb.multipart;
