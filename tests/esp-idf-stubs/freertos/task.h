/* Mirrors ESP-IDF v5.3 components/freertos/FreeRTOS-Kernel/include/freertos/task.h: task creation,
 * delay and deletion. (xTaskCreate is a static inline around xTaskCreatePinnedToCore there; a
 * prototype checks the call the same way.) */
#pragma once
#include "freertos/FreeRTOS.h"

#define tskIDLE_PRIORITY    ( ( UBaseType_t ) 0U )

typedef struct tskTaskControlBlock * TaskHandle_t;

BaseType_t xTaskCreate( TaskFunction_t pxTaskCode,
                        const char * const pcName,
                        const configSTACK_DEPTH_TYPE usStackDepth,
                        void * const pvParameters,
                        UBaseType_t uxPriority,
                        TaskHandle_t * const pxCreatedTask );
void vTaskDelay( const TickType_t xTicksToDelay );
void vTaskDelete( TaskHandle_t xTaskToDelete );
