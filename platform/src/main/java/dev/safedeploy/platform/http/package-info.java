/**
 * The platform's HTTP/1.1 server on Netty, shared by the router, the model servers and the control API: keep-alive,
 * a header deadline and a body deadline, a connection cap, bounded headers and bodies, each refusal answered with a
 * status and a reason.
 */
package dev.safedeploy.platform.http;
