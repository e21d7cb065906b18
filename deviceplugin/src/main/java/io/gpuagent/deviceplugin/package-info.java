/** deviceplugin module. */
package io.gpuagent.deviceplugin;
